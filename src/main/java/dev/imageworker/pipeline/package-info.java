/**
 * Settles one message: the image's download, claim, memory admission, render, writes,
 * record and event, and what each failure means.
 */
@NullMarked
package dev.imageworker.pipeline;

import org.jspecify.annotations.NullMarked;
