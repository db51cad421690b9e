/** Content-defined chunking (FastCDC with a gear hash and normalized chunking): splits file bytes into chunks whose boundaries survive inserts and deletes. */
package dev.vault.engine.repo.chunk;
