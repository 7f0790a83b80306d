/**
 * The worker's configuration: the {@code image-worker.*} properties and the clock.
 */
@NullMarked
package dev.imageworker.config;

import org.jspecify.annotations.NullMarked;
