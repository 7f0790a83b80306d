/**
 * The source download within its byte budget, and the variants written to the output
 * bucket.
 */
@NullMarked
package dev.imageworker.storage;

import org.jspecify.annotations.NullMarked;
