/**
 * The edge's HTTP surface before any feature sees a request: refusals as {@code application/problem+json}
 * ({@code HttpProblem}, also used by the features that refuse requests), the container's own error pages, the
 * request-header deadline and CORS for the event stream and the dev token endpoint. Depends on {@code settings}
 * only.
 */
package io.herald.edge.http;
