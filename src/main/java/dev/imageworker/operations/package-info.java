/**
 * What an operator reaches on the management port: queue health and, with a password, the
 * dead letters and images.
 */
@NullMarked
package dev.imageworker.operations;

import org.jspecify.annotations.NullMarked;
