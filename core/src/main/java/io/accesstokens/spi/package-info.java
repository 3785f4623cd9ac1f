/**
 * What a host implements: where tokens are kept ({@link io.accesstokens.spi.TokenStore}), which
 * organizations may use the page ({@link io.accesstokens.spi.Entitlements}) and which environments
 * an organization has ({@link io.accesstokens.spi.EnvironmentDirectory}).
 */
@NullMarked
package io.accesstokens.spi;

import org.jspecify.annotations.NullMarked;
