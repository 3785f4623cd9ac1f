/**
 * Implementation details of the web page: routing, JSON, anti-forgery tokens, headers. Public only
 * where a class of this module's API needs it; not API, and may change in any release.
 */
@NullMarked
package io.accesstokens.web.internal;

import org.jspecify.annotations.NullMarked;
