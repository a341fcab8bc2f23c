/**
 * Protocol v1's wire format (docs/protocol.md), shared by both transports: parsing client frames
 * ({@code ClientFrameParser}), building server frames ({@code ServerFrames}, which implements {@code delivery}'s
 * {@code Frames}), and the error codes. Depends on {@code delivery} (for that port) and core only.
 */
package io.herald.edge.protocol;
