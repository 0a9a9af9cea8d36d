/**
 * Node configuration: a properties file with namespaced keys, overridden by {@code RESILIENT_*} environment
 * variables, checked as a whole against the declared {@link org.resilient.api.SettingSpec}s.
 */
package org.resilient.core.config;
