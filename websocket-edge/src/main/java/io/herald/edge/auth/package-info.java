/**
 * Who a client is and what it may see: token checks (HS256 or JWKS, {@code TokenVerifier}), the request's
 * {@code Identity}, channel rights ({@code ChannelAccess}), and the development token endpoint. Depends on
 * {@code http} (to refuse a request), {@code settings} and core.
 */
package io.herald.edge.auth;
