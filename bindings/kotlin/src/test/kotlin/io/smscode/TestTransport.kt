package io.smscode

import java.io.File
import java.net.InetSocketAddress
import java.net.Proxy
import java.net.URI
import java.security.KeyStore
import java.security.cert.CertificateFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLSocketFactory
import javax.net.ssl.TrustManagerFactory

/**
 * The transports the scenario suites run through: each suite is an abstract class with
 * one subclass per transport, so all see the same tests and must give the same outcomes.
 */
enum class TestTransport {
    /** The library's own HTTPS stack (`sms_client_send`). */
    LIBRARY,

    /** `HttpURLConnection`, driven through `sms_client_prepare` and `sms_client_read_response`. */
    PLATFORM,

    /** `java.net.http.HttpClient` ([JdkHttpClientTransport]): a transport written as an app would. */
    JDK_HTTP_CLIENT,
    ;

    /**
     * A client through this transport; [ca] and [proxy] are given to the library
     * (addCaFile, setProxy) or to the HttpURLConnection transport, as a user would.
     */
    fun client(
        baseUrl: String,
        userDomain: String,
        secret: String,
        ca: File? = null,
        proxy: String? = null,
    ): SmsClient =
        when (this) {
            LIBRARY -> {
                SmsClient(baseUrl, userDomain, secret, LibraryTransport).also { client ->
                    ca?.let { client.addCaFile(it) }
                    proxy?.let { client.setProxy(it) }
                }
            }

            PLATFORM -> {
                SmsClient(baseUrl, userDomain, secret, HttpUrlConnectionTransport(ca?.let(::trusting), proxy?.let(::httpProxy)))
            }

            JDK_HTTP_CLIENT -> {
                require(ca == null && proxy == null) { "JdkHttpClientTransport takes neither a CA nor a proxy" }
                SmsClient(baseUrl, userDomain, secret, JdkHttpClientTransport())
            }
        }

    companion object {
        /** What a JVM user does to trust an extra CA: a trust store holding its certificate. */
        fun trusting(pem: File): SSLSocketFactory {
            val certificate = pem.inputStream().use { CertificateFactory.getInstance("X.509").generateCertificate(it) }
            val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply { load(null, null) }
            store.setCertificateEntry("smscode-extra-ca", certificate)
            val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
            return SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }.socketFactory
        }

        private fun httpProxy(url: String): Proxy {
            val uri = URI(url)
            return Proxy(Proxy.Type.HTTP, InetSocketAddress(uri.host, uri.port))
        }
    }
}
