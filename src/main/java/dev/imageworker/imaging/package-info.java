/**
 * Rendering: format sniffing, header reading, decode estimates, orientation, the variant
 * spec and the pure-Java engine.
 */
@NullMarked
package dev.imageworker.imaging;

import org.jspecify.annotations.NullMarked;
