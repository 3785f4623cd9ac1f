/**
 * Spring Boot auto-configuration of access-tokens: the store on the application's {@code
 * DataSource}, the service, the validator and its change follower, the page, metrics and health.
 * The host writes two beans, {@link io.accesstokens.spi.Entitlements} and {@link
 * io.accesstokens.spi.EnvironmentDirectory}; every bean here backs off when the host defines its
 * own.
 */
@NullMarked
package io.accesstokens.spring.boot;

import org.jspecify.annotations.NullMarked;
