package io.execution.autoconfigure;

import java.util.List;

import io.execution.ExecutionClient;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;

/**
 * Explains why an {@link ExecutionClient @ExecutionClient} interface could not be injected: it
 * lies outside the packages Execution scans for clients. Comes before Spring Boot's generic
 * "required a bean … that could not be found".
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class MissingClientFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException> {

	private final BeanFactory beanFactory;

	MissingClientFailureAnalyzer(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
		Class<?> type = (cause.getResolvableType() != null) ? cause.getResolvableType().resolve() : null;
		if (type == null || !type.isInterface() || !AnnotatedElementUtils.hasAnnotation(type, ExecutionClient.class)) {
			return null;
		}
		List<String> scanned = (this.beanFactory != null && AutoConfigurationPackages.has(this.beanFactory))
				? AutoConfigurationPackages.get(this.beanFactory) : List.of();
		return new FailureAnalysis("@ExecutionClient " + type.getName() + " was injected, but no client was made for"
				+ " it: Execution looks for @ExecutionClient interfaces in the application's packages " + scanned
				+ ", and " + type.getPackageName() + " is not among them.",
				"Move " + type.getSimpleName() + " under one of those packages, or add @ExecutionClientScan(basePackageClasses"
						+ " = " + type.getSimpleName() + ".class) next to @SpringBootApplication.",
				cause);
	}

}
