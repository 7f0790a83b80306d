/**
 * What scaling reads: the queue backlog metric, CloudWatch export, and ECS task scale-in
 * protection while messages are in flight.
 */
@NullMarked
package dev.imageworker.scaling;

import org.jspecify.annotations.NullMarked;
