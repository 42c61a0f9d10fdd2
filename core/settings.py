"""One place for configuration, read from the environment (prefix ``KKM_``) or ``.env``."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KKM_", env_file=".env", extra="ignore")

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"
    secret_key: str = Field(
        default="dev-only-secret-change-me",
        description="Signs login tokens; set a long random value in production.",
    )
    token_ttl_hours: int = 12

    public_base_url: str = "http://127.0.0.1:8000"

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

    remind_before_hours: int = Field(
        default=24, description="Remind the assignee this long before a step is due."
    )
    escalate_after_working_days: int = Field(
        default=2, description="Tell the assignee's superior when a step is this late."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
