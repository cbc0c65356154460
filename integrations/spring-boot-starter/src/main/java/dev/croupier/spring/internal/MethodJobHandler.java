package dev.croupier.spring.internal;

import dev.croupier.api.JobContext;
import dev.croupier.api.JobHandler;
import dev.croupier.spring.CroupierConfigurationException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Objects;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Runs jobs through a {@code @CroupierHandler} method of a bean. The method's exception is
 * rethrown as it is (not wrapped), so {@code RetryLaterException} and
 * {@code PermanentFailureException} steer the job as they do from any handler.
 */
final class MethodJobHandler implements JobHandler {

  /** What the method's one parameter receives. */
  private enum Argument { CONTEXT, TEXT, BYTES }

  private final Object bean;
  private final Method method;
  private final Argument argument;

  private MethodJobHandler(Object bean, Method method, Argument argument) {
    this.bean = bean;
    this.method = method;
    this.argument = argument;
  }

  /**
   * A handler invoking {@code method} (as the bean, a proxy maybe, exposes it) on {@code bean};
   * throws {@link CroupierConfigurationException} when the method's shape cannot run jobs.
   */
  static MethodJobHandler of(Object bean, Method method, String source) {
    Objects.requireNonNull(bean, "bean");
    if (Modifier.isStatic(method.getModifiers())) {
      throw invalid(source, "is static", "make it an instance method of the bean");
    }
    if (method.getReturnType() != void.class) {
      throw invalid(source, "returns " + method.getReturnType().getSimpleName()
          + ", which nothing would read", "return void: returning acknowledges the job, throwing "
          + "retries it (RetryLaterException, PermanentFailureException steer how)");
    }
    if (method.getParameterCount() != 1) {
      throw invalid(source, "takes " + method.getParameterCount() + " parameters",
          "take exactly one: JobContext, String (the payload as UTF-8) or byte[] (the payload)");
    }
    Class<?> type = method.getParameterTypes()[0];
    Argument argument;
    if (type == JobContext.class) {
      argument = Argument.CONTEXT;
    } else if (type == String.class) {
      argument = Argument.TEXT;
    } else if (type == byte[].class) {
      argument = Argument.BYTES;
    } else {
      throw invalid(source, "takes a " + ClassUtils.getQualifiedName(type),
          "take exactly one of JobContext, String (the payload as UTF-8) or byte[] (the payload)");
    }
    ReflectionUtils.makeAccessible(method);
    return new MethodJobHandler(bean, method, argument);
  }

  @Override
  public void handle(JobContext job) throws Exception {
    Object arg = switch (argument) {
      case CONTEXT -> job;
      case TEXT -> job.payloadUtf8();
      case BYTES -> job.payload();
    };
    try {
      method.invoke(bean, arg);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return ClassUtils.getQualifiedMethodName(method);
  }

  private static CroupierConfigurationException invalid(String source, String problem, String action) {
    return new CroupierConfigurationException(source + " cannot handle jobs: it " + problem, action);
  }
}
