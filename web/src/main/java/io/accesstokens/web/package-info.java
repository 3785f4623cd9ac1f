/**
 * The Access Tokens page as a Jakarta servlet: {@link io.accesstokens.web.AccessTokensServlet}
 * serves the page (static HTML, CSS and JavaScript from this jar) and its JSON REST API over a
 * {@link io.accesstokens.TokenService}, under a path the host chooses. The host says who the user
 * is and which organizations they administer through {@link io.accesstokens.web.PageAccess}; {@link
 * io.accesstokens.web.LocalOperatorAccess} is one for a single operator on their own machine.
 */
@NullMarked
package io.accesstokens.web;

import org.jspecify.annotations.NullMarked;
