"""Encryption of event payloads at rest (AES-GCM via pycryptodome) with a clear error for a wrong key."""

from __future__ import annotations

from eventsourcing.cipher import AESCipher

from cases.errors import DomainError


class WrongCipherKey(DomainError):
    code = "wrong_cipher_key"
    http_status = 500


class CheckedAESCipher(AESCipher):
    def decrypt(self, ciphertext: bytes) -> bytes:
        try:
            return super().decrypt(ciphertext)
        except ValueError:
            raise WrongCipherKey(
                "stored events cannot be decrypted: CASES_CIPHER_KEY is not the key they were written with",
                field="CASES_CIPHER_KEY",
            ) from None
