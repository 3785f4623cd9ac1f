/**
 * Micrometer meters for access-tokens, usable with or without Spring: {@link
 * io.accesstokens.micrometer.TokenValidatorMetrics} (the validator's cache and refusals), {@link
 * io.accesstokens.micrometer.ChangeFollowerMetrics} (a node's lag behind the others) and {@link
 * io.accesstokens.micrometer.TokenEventMetrics} (the service's actions). No meter's name or tag
 * ever holds a token value, digest or id.
 */
@NullMarked
package io.accesstokens.micrometer;

import org.jspecify.annotations.NullMarked;
