"""Operations: the local runner, demo data, the SMTP capture, PostgreSQL for tests."""
