package io.smscode

import java.util.concurrent.atomic.AtomicLong

/** Fresh phone numbers, so tests never trip over each other's rate limits. */
object Phones {
    private val next = AtomicLong(13_800_000_000L + (System.nanoTime() % 1_000_000L) * 100)

    fun next(): String = next.getAndIncrement().toString()
}

/** A secret that must never show up in any output. */
const val SENTINEL_SECRET = "s3cr3t-SENTINEL-value-7f1c"
