package io.smscode

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.TimeUnit

/** Run in a child JVM by [LoadingTest]: prints what the first call into the library gives. */
object LoadProbe {
    @JvmStatic
    fun main(args: Array<String>) {
        val outcome =
            try {
                "loaded|${SmsCode.libraryVersion()}"
            } catch (e: Throwable) {
                // On one line: JNA's messages span several.
                "${e.javaClass.name}|${e.message?.replace('\n', ' ')}"
            }
        println(outcome)
    }
}

/**
 * Which library loads, and the one clear error when it cannot be used. Each case runs in
 * a fresh JVM (the library is bound once per JVM), with small libraries built by `cc`.
 */
class LoadingTest {
    @TempDir
    lateinit var dir: File

    /** The probe's line for [library] as (class name, message). */
    private fun probe(library: String): Pair<String, String> {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val process =
            ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-D${SmsNative.LIBRARY_NAME_PROPERTY}=$library",
                LoadProbe::class.java.name,
            ).redirectErrorStream(true).start()
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish")
        val output = process.inputStream.bufferedReader().readText()
        assertEquals(0, process.exitValue(), output)
        val line = output.lines().last { it.isNotBlank() }
        return line.substringBefore('|') to line.substringAfter('|')
    }

    private fun fakeLibrary(
        name: String,
        source: String,
    ): String {
        val c = File(dir, "$name.c").apply { writeText(source) }
        val library = File(dir, "lib$name.so")
        val compiler = ProcessBuilder("cc", "-shared", "-fPIC", "-o", library.path, c.path).redirectErrorStream(true).start()
        val output = compiler.inputStream.bufferedReader().readText()
        assertTrue(compiler.waitFor(60, TimeUnit.SECONDS) && compiler.exitValue() == 0, "cc failed: $output")
        return library.path
    }

    @Test
    fun `the real library loads in the probe`() {
        val real = File(System.getProperty("jna.library.path"), "libsmscode.so").path
        assertEquals("loaded" to SmsCode.BINDING_VERSION, probe(real))
    }

    @Test
    fun `a library that is not found gets the set-up hint`() {
        val (kind, message) = probe(File(dir, "missing/libsmscode.so").path)
        assertEquals("java.lang.UnsatisfiedLinkError", kind)
        assertTrue(message.contains("jna.library.path"), message)
    }

    @Test
    fun `a too-old library is refused by version, without the set-up hint`() {
        val old = fakeLibrary("old", "const char *sms_version(void) { return \"0.0.9\"; }\n")
        val (kind, message) = probe(old)
        assertEquals("java.lang.UnsatisfiedLinkError", kind)
        assertTrue(message.contains("$old is libsmscode 0.0.9"), message)
        assertTrue(message.contains("needs ${SmsCode.BINDING_VERSION}"), message)
        assertFalse(message.contains("jna.library.path"), message)
    }

    @Test
    fun `a newer incompatible series is refused`() {
        val new = fakeLibrary("new", "const char *sms_version(void) { return \"0.2.0\"; }\n")
        val (kind, message) = probe(new)
        assertEquals("java.lang.UnsatisfiedLinkError", kind)
        assertTrue(message.contains("is libsmscode 0.2.0"), message)
    }

    @Test
    fun `a library lacking a function is refused, naming it`() {
        val partial =
            fakeLibrary("partial", "const char *sms_version(void) { return \"${SmsCode.BINDING_VERSION}\"; }\n")
        val (kind, message) = probe(partial)
        assertEquals("java.lang.UnsatisfiedLinkError", kind)
        assertTrue(message.contains("$partial (libsmscode ${SmsCode.BINDING_VERSION}) lacks a function"), message)
        assertTrue(Regex("sms_\\w+").containsMatchIn(message.substringAfter("calls:")), message)
        assertFalse(message.contains("jna.library.path"), message)
    }

    @Test
    fun `a library without sms_version is refused`() {
        val other = fakeLibrary("other", "int unrelated(void) { return 1; }\n")
        val (kind, message) = probe(other)
        assertEquals("java.lang.UnsatisfiedLinkError", kind)
        assertTrue(message.contains("$other has no sms_version()"), message)
    }

    @Test
    fun `the version rule`() {
        val cases =
            listOf(
                Triple("0.1.0", "0.1.0", true),
                Triple("0.1.7", "0.1.0", true),
                Triple("0.1.0-rc.1", "0.1.0", true),
                Triple("0.1.0", "0.1.2", false),
                Triple("0.0.9", "0.1.0", false),
                Triple("0.2.0", "0.1.0", false),
                Triple("1.0.0", "0.1.0", false),
                Triple("1.4.0", "1.2.3", true),
                Triple("1.2.2", "1.2.3", false),
                Triple("2.0.0", "1.2.3", false),
                Triple("unknown", "0.1.0", false),
                Triple("0.1", "0.1.0", false),
            )
        for ((library, binding, compatible) in cases) {
            assertEquals(compatible, SmsNative.isCompatible(library, binding), "$library for $binding")
        }
    }

    @Test
    fun `the binding version is the artifact's and the shipped library's`() {
        val pom = File("pom.xml").readText()
        val artifactVersion = Regex("<artifactId>smscode-kotlin</artifactId>\\s*(?:<!--.*?-->\\s*)?<version>([^<]+)</version>").find(pom)
        assertEquals(SmsCode.BINDING_VERSION, artifactVersion?.groupValues?.get(1))
        assertEquals(SmsCode.BINDING_VERSION, SmsCode.libraryVersion())
    }
}
