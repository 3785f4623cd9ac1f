/**
 * The Access Tokens page as a Java API: {@link io.accesstokens.TokenService} for the page's actions
 * (create, list, copy, edit, status, delete) and {@link io.accesstokens.TokenValidator} for the EDI
 * connector that checks a token each time it opens a connection.
 *
 * <p>Every call names its {@link io.accesstokens.OrganizationId}; nothing done in one organization
 * can read or change another's tokens. Secrets are {@link io.accesstokens.TokenSecret}s, whose
 * {@code toString()} is masked.
 */
@NullMarked
package io.accesstokens;

import org.jspecify.annotations.NullMarked;
