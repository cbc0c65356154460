/**
 * The wire codec both ends use: frames (varint32 length + one {@code Envelope}), the maximum
 * frame size, and mappings between generated protobuf classes and the API's records. No
 * compatibility promise.
 */
package dev.croupier.protocol;
