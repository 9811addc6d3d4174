// Lets this example module build on its own (`gradle assembleRelease` here, with an
// Android SDK). In an app, include the module instead, or copy build.gradle.kts.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "smscode-android"
