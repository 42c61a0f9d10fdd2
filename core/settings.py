"""One place for configuration, read from the environment (prefix ``KKM_``) or ``.env``."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_SECRET_KEY = "dev-only-secret-change-me"
MIN_SECRET_KEY_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KKM_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"
    env: Literal["development", "production"] = Field(
        default="production",
        description="KKM_ENV. Outside development the API and the workers refuse to start "
        "on the default or a short secret key (check_secret_key).",
    )
    secret_key: str = Field(
        default=DEFAULT_SECRET_KEY,
        description="Signs login tokens, keys PINs, CSRF and rating links; at least "
        f"{MIN_SECRET_KEY_LENGTH} random characters outside development.",
    )
    token_ttl_hours: int = 12
    integrity_keys: str = Field(
        default="",
        description="KKM_INTEGRITY_KEYS: keys sealing the corruption-report channel, "
        "comma-separated, the first seals (domain/integrity/sealing.py); unset: derived from "
        "the secret key.",
    )

    # Guessing (domain.engine.guessing): so many wrong tries in the window are free, then a
    # delay that starts at guess_base_delay_seconds and doubles up to guess_max_delay_minutes.
    guess_window_minutes: float = 15
    guess_base_delay_seconds: float = 2
    guess_max_delay_minutes: float = 15
    pin_free_tries_per_number: int = Field(
        default=5, description="Wrong PINs for one complaint number before it is held back."
    )
    pin_free_tries_per_client: int = Field(
        default=20, description="Wrong PINs from one client address before it is held back."
    )
    login_free_tries_per_user: int = Field(
        default=5, description="Wrong passwords for one username before it is held back."
    )
    login_free_tries_per_client: int = Field(
        default=20, description="Wrong passwords from one client address before it is held back."
    )

    public_base_url: str = "http://127.0.0.1:8000"

    # Request bodies (api.middleware): larger ones are refused with 413 as they arrive.
    max_body_bytes: int = Field(
        default=1024 * 1024,
        description="KKM_MAX_BODY_BYTES: the largest body on routes without photos (1 MB).",
    )
    max_upload_body_bytes: int = Field(
        default=40 * 1024 * 1024,
        description="KKM_MAX_UPLOAD_BODY_BYTES: on routes that take photos (40 MB: five 5 MB "
        "photos in base64 are 33.4 MB, plus the form).",
    )

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "ระบบงานเทศบาลนครขอนแก่น <noreply@khonkaen.go.th>"
    mail_capture_dir: Path | None = Field(
        default=None,
        description="Where the local SMTP capture writes received mail (development only).",
    )

    chains_file: Path = PROJECT_ROOT / "config" / "chains.toml"
    holidays_file: Path = PROJECT_ROOT / "config" / "holidays.toml"
    complaints_file: Path = PROJECT_ROOT / "config" / "complaints.toml"

    prefect_enabled: bool = Field(
        default=True,
        description="Start and resume Prefect flow runs; off, cases still move in the database "
        "and the reconcile sweep catches the flows up later.",
    )

    # LINE Messaging API (POST /line/webhook); the webhook is off until both are set.
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_host: str = Field(
        default="https://api.line.me",
        description="LINE Messaging API base URL (push messages); a local stand-in in tests.",
    )

    remind_before_hours: int = Field(
        default=24, description="Remind the assignee this long before a step is due."
    )
    escalate_after_working_days: int = Field(
        default=2, description="Tell the assignee's superior when a step is this late."
    )


class InsecureSettings(RuntimeError):
    """The configuration is not safe to serve with (the message says what to set)."""


def check_secret_key(settings: Settings) -> None:
    """Refuse to start on a guessable secret key: outside development (KKM_ENV) the default
    or one shorter than MIN_SECRET_KEY_LENGTH, and the default even in development when the
    site is served over https (it is then reachable by others)."""
    key = settings.secret_key
    default = key == DEFAULT_SECRET_KEY
    public = settings.public_base_url.startswith("https://")
    if settings.env == "development" and not (default and public):
        return
    if not default and len(key) >= MIN_SECRET_KEY_LENGTH:
        return
    why_th = "ยังเป็นค่าเริ่มต้น" if default else f"สั้นกว่า {MIN_SECRET_KEY_LENGTH} ตัวอักษร"
    why_en = "is the default" if default else f"is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if settings.env == "development":
        where_th, where_en = "เว็บไซต์เปิดทาง https", "the site is served over https"
        or_th = or_en = ""
    else:
        where_th = where_en = "KKM_ENV=production"
        or_th = " หรือตั้ง KKM_ENV=development เฉพาะเครื่องนักพัฒนา"
        or_en = ", or KKM_ENV=development on a developer's machine only"
    raise InsecureSettings(
        f"ไม่เริ่มระบบ: KKM_SECRET_KEY {why_th} ({where_th}) "
        f"ตั้ง KKM_SECRET_KEY เป็นค่าสุ่มยาวอย่างน้อย {MIN_SECRET_KEY_LENGTH} ตัวอักษร "
        "เช่น จากคำสั่ง python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        f"{or_th}\n"
        f"Refusing to start: KKM_SECRET_KEY {why_en} ({where_en}). "
        f"Set KKM_SECRET_KEY to a random value of at least {MIN_SECRET_KEY_LENGTH} characters, "
        f"e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'{or_en}."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
