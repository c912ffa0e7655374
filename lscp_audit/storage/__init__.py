"""Encrypted vault: SQLCipher through SQLAlchemy, keys, migrations, repositories."""
