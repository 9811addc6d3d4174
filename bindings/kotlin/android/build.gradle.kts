// Example Android library module for smscode: the Kotlin sources of the JVM binding,
// libsmscode.so for three ABIs (built by build-jni-libs.sh into src/main/jniLibs/),
// JNA's Android aar, and consumer R8 rules. Not built by the project's tests (no Android
// SDK/NDK there): written to work with AGP 8.x; see ../README.md.

plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.4.21"
}

android {
    namespace = "io.smscode"
    compileSdk = 35

    defaultConfig {
        minSdk = 21
        // Travel with the aar into every app that uses it: keep what JNA and the
        // direct-mapped natives need (a minified release crashes without them).
        consumerProguardFiles("../src/main/resources/META-INF/proguard/smscode.pro")
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }

    sourceSets {
        getByName("main") {
            // One set of sources for the JVM and Android: the binding has no Android-only code.
            kotlin.srcDir("../src/main/kotlin")
            // src/main/jniLibs/<abi>/libsmscode.so is the default place; filled by the script.
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_11
        targetCompatibility = JavaVersion.VERSION_11
    }

    packaging {
        jniLibs {
            // Stored uncompressed and 16 KB aligned in the APK, loaded in place (AGP >= 8.5.1).
            useLegacyPackaging = false
        }
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_11)
        freeCompilerArgs.add("-Xexplicit-api=strict")
    }
}

dependencies {
    // The aar carries libjnidispatch.so for every Android ABI; the plain jar does not.
    api("net.java.dev.jna:jna:5.19.1@aar")
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
}

// `gradle buildJniLibs assembleRelease`: (re)builds the native libraries first.
tasks.register<Exec>("buildJniLibs") {
    description = "Builds libsmscode.so for arm64-v8a, armeabi-v7a and x86_64 with cargo-ndk"
    commandLine("./build-jni-libs.sh", android.defaultConfig.minSdk.toString())
}
