/** Reading and writing vault's human-editable config files, and the duration and size values users type. */
package dev.vault.engine.config;
