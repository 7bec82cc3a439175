package dev.segments.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.segments.SegmentsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Loads the one YAML configuration file into {@link SegmentsConfig}, rejecting unknown keys. */
public final class ConfigLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .registerModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ConfigLoader() {}

  public static SegmentsConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw SegmentsException.usage("Config file not found: " + file);
    }
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw SegmentsException.usage("Cannot read config file " + file + ": " + e.getMessage());
    }
  }

  public static SegmentsConfig parse(String yaml) {
    if (yaml.isBlank()) {
      throw SegmentsException.usage("Invalid config: the file is empty");
    }
    try {
      return YAML.readValue(yaml, SegmentsConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw SegmentsException.usage(
          "Unknown config key: " + keyPath(e) + " (known here: " + known + ")");
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw SegmentsException.usage(cause.getMessage());
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException) {
        throw SegmentsException.usage(cause.getMessage());
      }
      throw SegmentsException.usage("Invalid " + keyPath(e) + ": " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw SegmentsException.usage(
          "Invalid config: not readable YAML at line "
              + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
              + ": "
              + e.getOriginalMessage());
    }
  }

  /** A fingerprint of the effective configuration (after command-line overrides), for the runs table. */
  public static String hash(SegmentsConfig cfg) {
    try {
      byte[] canonical = YAML.writeValueAsBytes(cfg);
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(canonical);
      return java.util.HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (JsonProcessingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the configuration cannot be serialised", e);
    }
  }

  private static String keyPath(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path.isEmpty() ? "config" : path;
  }
}
