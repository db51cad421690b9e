/**
 * Single-file export bundles: a POSIX tar (Commons Compress) compressed with zstd and, optionally,
 * encrypted with Tink streaming AEAD under a password-derived key; see docs/BUNDLE.md for the bytes.
 */
package dev.vault.targets.bundle;
