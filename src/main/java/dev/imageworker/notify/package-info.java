/**
 * The SNS event announcing each image's completion or failure.
 */
@NullMarked
package dev.imageworker.notify;

import org.jspecify.annotations.NullMarked;
