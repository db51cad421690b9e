/** Which volumes are mounted now (OSHI in production, scripted in tests) and when they come and go. */
package dev.vault.targets.volume;
