package io.herald.ingest.notification;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which web pages may call the API from a browser ({@code herald.ingest.cors.*}).
 *
 * @param allowedOrigins origins (e.g. {@code https://app.example.com}) whose pages may post notifications;
 *                       default none: producers are services, not browsers. The dev mode allows the demo page.
 */
@ConfigurationProperties("herald.ingest.cors")
public record CorsProperties(@DefaultValue List<String> allowedOrigins) {
}
