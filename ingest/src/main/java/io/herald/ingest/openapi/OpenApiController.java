package io.herald.ingest.openapi;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the API's OpenAPI document. Hand-written rather than generated: the endpoints read raw bytes so that
 * the envelope codec, not a Java type, defines what is accepted, and a generator would describe neither.
 */
@RestController
class OpenApiController {

    static final String YAML = "application/yaml";
    private final Resource document = new ClassPathResource("openapi/ingest.yaml");

    @GetMapping(path = "/openapi.yaml", produces = YAML)
    ResponseEntity<Resource> openApi() {
        return ResponseEntity.ok(document);
    }
}
