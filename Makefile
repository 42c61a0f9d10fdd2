# Khon Kaen municipality workflows: developer and CI entry points (GNU make).
# Run `make` or `make help` for the list.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
VPY := $(VENV)/bin/python
PYTEST_ARGS ?=
RUN_ARGS ?=
BACKUP ?= var/backups/kkm-$(shell date +%Y%m%d-%H%M%S).backup
MYPY_PATHS := core models domain adapters api flows

.PHONY: help venv run run-scaled test test-sqlite lint migrate backup bench pg-start pg-stop clean

help:
	@echo "make venv         สร้าง .venv และติดตั้งแพ็กเกจ / create .venv and pip install -e '.[dev]'"
	@echo "make run          เปิดระบบทั้งหมดในเครื่องนี้ / start everything locally, print the URLs"
	@echo "make run-scaled   แบบขยาย: PostgreSQL + worker 2 ตัว / PostgreSQL for app and Prefect, 2 workers, 2 API processes"
	@echo "make test         ทดสอบทั้งหมดกับ PostgreSQL และเบราว์เซอร์ / full test suite (PostgreSQL + Chromium)"
	@echo "make test-sqlite  ทดสอบเร็วด้วย SQLite / quick tests without PostgreSQL"
	@echo "make lint         ตรวจโค้ด ruff และ mypy / ruff check + format check + mypy (advisory)"
	@echo "make migrate      ปรับโครงสร้างฐานข้อมูล / alembic upgrade head"
	@echo "make backup       สำรองฐานข้อมูลขณะระบบทำงาน / online backup of the application database (BACKUP=file)"
	@echo "make bench        วัดประสิทธิภาพ / run the benchmarks"
	@echo "make pg-start     เปิด PostgreSQL สำหรับทดสอบ / start the throwaway test PostgreSQL"
	@echo "make pg-stop      ปิด PostgreSQL สำหรับทดสอบ / stop it"
	@echo "make clean        ลบข้อมูลใน var/ / remove runtime data in var/ (keeps .venv)"
	@echo "ตัวเลือก / options: PYTEST_ARGS='-k memo -x'  RUN_ARGS='--api-port 8080'  KKM_PG_PORT=55432"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "python3.11 / python3 not found" >&2; exit 1; }
	@test -x $(VPY) || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "pip install -e '.[dev]' into $(VENV) ..."
	@$(VPY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# ops.run stops everything on Ctrl-C, SIGTERM (make passes its own on) and SIGHUP.
# pango for the PDF documents; without it (no root) PDFs answer 503 and the rest runs.
run: venv
	-@bash ops/install_system_packages.sh
	$(VPY) -m ops.run $(RUN_ARGS)

# The scale-out shape on one machine: PostgreSQL for the application and Prefect, two workers.
run-scaled: venv
	-@bash ops/install_system_packages.sh
	@bash ops/postgres.sh start >/dev/null
	$(VPY) -m ops.run --postgres postgresql://kkm:kkm@127.0.0.1:$${KKM_PG_PORT:-55432} --workers 2 --api-processes 2

# ops/postgres.sh prints chatter on stderr and the URL as its last stdout line.
test: venv
	@bash ops/install_browser.sh
	@bash ops/install_system_packages.sh --tests
	@out=$$(bash ops/postgres.sh start) || { echo "ops/postgres.sh start failed" >&2; exit 1; }; \
	url=$$(printf '%s\n' "$$out" | tail -n1 | cut -d= -f2-); \
	case "$$url" in postgresql*) ;; *) echo "no URL from ops/postgres.sh start: $$out" >&2; exit 1;; esac; \
	echo "KKM_TEST_POSTGRES_URL=$$url"; \
	KKM_TEST_POSTGRES_URL="$$url" KKM_REQUIRE_POSTGRES=1 $(VPY) -m pytest $(PYTEST_ARGS)

test-sqlite: venv
	env -u KKM_TEST_POSTGRES_URL -u KKM_REQUIRE_POSTGRES $(VPY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	-$(VENV)/bin/ruff format --check .
	-$(VENV)/bin/mypy $(MYPY_PATHS)

migrate: venv
	$(VENV)/bin/alembic upgrade head

# Online: the system may keep running (README.md, "Backups").
backup: venv
	$(VPY) -m ops.backup create --to $(BACKUP)

bench: venv
	$(VPY) -m benchmarks

pg-start:
	@bash ops/postgres.sh start

pg-stop:
	@bash ops/postgres.sh stop

# Runtime data only; stop the test PostgreSQL first when its data lives in var/pg.
clean:
	-@bash ops/postgres.sh stop 2>/dev/null
	rm -rf var/
