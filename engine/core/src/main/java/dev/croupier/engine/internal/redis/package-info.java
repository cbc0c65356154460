/** Connecting to Redis and telling "Redis said no" apart from "cannot reach Redis". */
package dev.croupier.engine.internal.redis;
