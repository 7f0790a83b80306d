/**
 * The worker's entry point: a Spring Boot application, or the {@code reprocess} command
 * when the first argument names it.
 */
@NullMarked
package dev.imageworker;

import org.jspecify.annotations.NullMarked;
