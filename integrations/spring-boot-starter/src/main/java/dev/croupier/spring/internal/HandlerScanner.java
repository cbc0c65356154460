package dev.croupier.spring.internal;

import dev.croupier.api.FunctionSpec;
import dev.croupier.api.JobHandler;
import dev.croupier.spring.CroupierConfigurationException;
import dev.croupier.spring.CroupierHandler;
import dev.croupier.spring.CroupierProperties;
import dev.croupier.spring.HandlerRegistration;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds every handler the application declares once all singletons exist: methods and classes
 * annotated {@link CroupierHandler}, and {@link HandlerRegistration} beans. Resolves each one's
 * spec and {@code maxInFlight} (with {@code croupier.functions.*} overrides) and checks the lot, so
 * a bad declaration fails start-up before any handler registers. The lifecycles read the result.
 */
public final class HandlerScanner implements SmartInitializingSingleton {

  private final ConfigurableListableBeanFactory beanFactory;
  private final CroupierProperties properties;
  private volatile List<ResolvedHandler> handlers;

  /** A scanner of {@code beanFactory}'s beans, applying {@code properties}. */
  public HandlerScanner(ConfigurableListableBeanFactory beanFactory, CroupierProperties properties) {
    this.beanFactory = Objects.requireNonNull(beanFactory, "beanFactory");
    this.properties = Objects.requireNonNull(properties, "properties");
  }

  @Override
  public void afterSingletonsInstantiated() {
    handlers = scan();
  }

  /** The handlers found, in declaration order; scans first if the context has not yet. */
  public List<ResolvedHandler> handlers() {
    List<ResolvedHandler> h = handlers;
    if (h == null) {
      h = scan();
      handlers = h;
    }
    return h;
  }

  private List<ResolvedHandler> scan() {
    List<Declared> declared = new ArrayList<>();
    for (String name : beanFactory.getBeanNamesForType(Object.class, false, false)) {
      if (ScopedProxyUtils.isScopedTarget(name)) {
        continue;
      }
      Class<?> type = targetType(name);
      if (type != null && AnnotationUtils.isCandidateClass(type, CroupierHandler.class)) {
        annotated(name, type, declared);
      }
    }
    beanFactory.getBeansOfType(HandlerRegistration.class, false, false).forEach((name, r) ->
        declared.add(new Declared(r.spec(), r.maxInFlight(), r.handler(),
            "HandlerRegistration bean '" + name + "'")));
    return resolve(declared);
  }

  private Class<?> targetType(String beanName) {
    try {
      Class<?> type = AutoProxyUtils.determineTargetClass(beanFactory, beanName);
      return type == null ? null : ClassUtils.getUserClass(type);
    } catch (RuntimeException e) {
      // A bean whose type cannot be determined (lazy, with an unresolvable class) has no handlers
      // we could know about; Spring reports the bean itself if it is ever used.
      return null;
    }
  }

  private void annotated(String beanName, Class<?> type, List<Declared> out) {
    Map<Method, CroupierHandler> methods = MethodIntrospector.selectMethods(type,
        (MethodIntrospector.MetadataLookup<CroupierHandler>) m ->
            AnnotatedElementUtils.findMergedAnnotation(m, CroupierHandler.class));
    CroupierHandler onType = AnnotatedElementUtils.findMergedAnnotation(type, CroupierHandler.class);
    if (methods.isEmpty() && onType == null) {
      return;
    }
    Object bean = beanFactory.getBean(beanName);
    if (onType != null) {
      String source = "bean '" + beanName + "' (" + type.getName() + ")";
      if (!(bean instanceof JobHandler handler)) {
        throw new CroupierConfigurationException("@CroupierHandler on " + source
            + " cannot handle jobs: the class does not implement JobHandler",
            "implement dev.croupier.api.JobHandler, or put @CroupierHandler on a method instead");
      }
      out.add(new Declared(AnnotatedSpec.of(onType, this::resolvePlaceholders, source),
          onType.maxInFlight(), handler, source));
    }
    methods.forEach((method, annotation) -> {
      String source = "bean '" + beanName + "' method " + ClassUtils.getQualifiedMethodName(method)
          + parameters(method);
      FunctionSpec spec = AnnotatedSpec.of(annotation, this::resolvePlaceholders, source);
      Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
      out.add(new Declared(spec, annotation.maxInFlight(),
          MethodJobHandler.of(bean, invocable, source), source));
    });
  }

  private String resolvePlaceholders(String value) {
    String resolved = beanFactory.resolveEmbeddedValue(value);
    return resolved == null ? "" : resolved;
  }

  /** Applies maxInFlight defaults and overrides; refuses duplicates and unknown overrides. */
  private List<ResolvedHandler> resolve(List<Declared> declared) {
    if (properties.getMaxInFlight() <= 0) {
      throw new CroupierConfigurationException("croupier.max-in-flight must be positive: "
          + properties.getMaxInFlight(), "set croupier.max-in-flight to 1 or more (default "
          + CroupierProperties.DEFAULT_MAX_IN_FLIGHT + ")");
    }
    Map<String, ResolvedHandler> byFunction = new LinkedHashMap<>();
    for (Declared d : declared) {
      ResolvedHandler earlier = byFunction.get(d.spec.name());
      if (earlier != null) {
        throw new CroupierConfigurationException("function '" + d.spec.name()
            + "' has two handlers: " + earlier.source() + " and " + d.source,
            "keep one handler per function in an application (a function's jobs all run the same code)");
      }
      byFunction.put(d.spec.name(), new ResolvedHandler(d.spec, maxInFlight(d), d.handler, d.source));
    }
    Set<String> unknown = new TreeSet<>(properties.getFunctions().keySet());
    unknown.removeAll(byFunction.keySet());
    if (!unknown.isEmpty()) {
      throw new CroupierConfigurationException("croupier.functions names " + unknown
          + " but no handler in this application serves " + (unknown.size() == 1 ? "it" : "them")
          + "; handlers serve " + new TreeSet<>(byFunction.keySet()),
          "correct the function name under croupier.functions, or remove the entry");
    }
    return List.copyOf(byFunction.values());
  }

  private int maxInFlight(Declared d) {
    CroupierProperties.FunctionSettings override = properties.getFunctions().get(d.spec.name());
    if (override != null && override.getMaxInFlight() != null) {
      int n = override.getMaxInFlight();
      if (n <= 0) {
        throw new CroupierConfigurationException("croupier.functions." + d.spec.name()
            + ".max-in-flight must be positive: " + n, "set it to 1 or more, or remove it");
      }
      return n;
    }
    if (d.maxInFlight < 0) {
      throw new CroupierConfigurationException(d.source + ": maxInFlight must not be negative: "
          + d.maxInFlight, "give a positive maxInFlight, or 0 to take croupier.max-in-flight");
    }
    return d.maxInFlight > 0 ? d.maxInFlight : properties.getMaxInFlight();
  }

  private static String parameters(Method m) {
    StringBuilder b = new StringBuilder("(");
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      b.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
    }
    return b.append(')').toString();
  }

  private record Declared(FunctionSpec spec, int maxInFlight, JobHandler handler, String source) {}
}
