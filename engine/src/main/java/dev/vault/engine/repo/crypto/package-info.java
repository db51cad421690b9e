/** Repository keys and encryption: chunk ids (SHA-256, or HMAC-SHA256 when encrypted), Tink AES-256-GCM sealing in 64 KiB segments bound to associated data, and password key files wrapped with scrypt. */
package dev.vault.engine.repo.crypto;
