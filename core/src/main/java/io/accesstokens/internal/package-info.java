/**
 * Implementation details. Public only so that modules of this project can share them; not API, and
 * may change in any release.
 */
@NullMarked
package io.accesstokens.internal;

import org.jspecify.annotations.NullMarked;
