/**
 * The libvips render engine, reached through the Foreign Function and Memory API.
 */
@NullMarked
package dev.imageworker.imaging.vips;

import org.jspecify.annotations.NullMarked;
