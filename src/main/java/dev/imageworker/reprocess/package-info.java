/**
 * The {@code reprocess} command: enqueues images to render again, by prefix, failure code
 * or outdated spec, onto the bulk queue.
 */
@NullMarked
package dev.imageworker.reprocess;

import org.jspecify.annotations.NullMarked;
