from __future__ import annotations

import importlib


def test_base_settings_hash_passwords_with_argon2() -> None:
    base = importlib.import_module("diandiantong.settings.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_library_is_installed() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("Ddt-Test-Pass-1", hasher.salt())
    assert encoded.startswith("argon2$") and hasher.verify("Ddt-Test-Pass-1", encoded)
