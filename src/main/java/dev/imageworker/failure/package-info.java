/**
 * Why an image failed: permanent failures with a code, and transient ones worth another
 * receive.
 */
@NullMarked
package dev.imageworker.failure;

import org.jspecify.annotations.NullMarked;
