package dev.croupier.spring.internal;

import dev.croupier.spring.CroupierConfigurationException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the property behind an options type's complaint. The options types validate every value
 * and start their messages with the field's name ({@code "claimThreads must be between 1 and 256:
 * 0"}); a user set a property, so the message should say which one.
 */
final class PropertyErrors {

  private static final Pattern LEADING_NAME = Pattern.compile("^([a-z][A-Za-z]*)\\b");

  private PropertyErrors() {}

  /**
   * An exception for {@code e}, thrown while building options from the properties under
   * {@code section}; {@code properties} maps the options' field names to property names.
   */
  static CroupierConfigurationException invalid(String section, Map<String, String> properties,
      RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = LEADING_NAME.matcher(message);
    String property = m.find() ? properties.get(m.group(1)) : null;
    if (property == null) {
      return new CroupierConfigurationException("invalid " + section + ".* settings: " + message,
          "correct the " + section + ".* properties", e);
    }
    return new CroupierConfigurationException("invalid " + property + ": " + message,
        "correct " + property, e);
  }

  /** A required property is missing. */
  static CroupierConfigurationException missing(String property, String mode, String example) {
    return new CroupierConfigurationException(property + " is required with croupier.mode=" + mode,
        "set " + property + " (e.g. " + example + ")");
  }
}
