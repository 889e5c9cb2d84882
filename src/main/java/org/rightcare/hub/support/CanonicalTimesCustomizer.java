package org.rightcare.hub.support;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/** The hub's ObjectMapper reads canonical times without a DateTimeFormatter ({@link CanonicalTimes}). */
@Singleton
public class CanonicalTimesCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(CanonicalTimes.module());
    }
}
