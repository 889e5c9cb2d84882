package org.rightcare.bench.hapi;

import java.util.Properties;

import javax.sql.DataSource;

import jakarta.persistence.EntityManagerFactory;

import org.hibernate.cfg.AvailableSettings;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.transaction.annotation.EnableTransactionManagement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.model.entity.StorageSettings;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;

/**
 * The HAPI FHIR JPA server's Spring configuration, as the public hapi-fhir-jpaserver-starter configures an R4 server
 * with its default {@code application.yaml} (its {@code FhirServerConfigR4}, {@code FhirServerConfigCommon} and
 * {@code StarterJpaConfig}), on PostgreSQL. The starter's defaults are kept wherever they bear on storing a
 * transaction: referential integrity enforced on write, resource history kept, no missing-field indexing, Hibernate
 * statement batching with ordered inserts and updates, no second-level or query cache, no Hibernate Search, schema
 * by Hibernate ({@code hbm2ddl.auto=update}), a connection pool of 10.
 *
 * <p>Left out, because the hub does no equivalent work when it takes an incident (see docs/performance.md): request
 * validation (off in the starter too), the narrative generator (on in the starter: it renders XHTML into every
 * stored resource), the per-request access log, subscriptions, CORS, OpenAPI, MDM, CQL, IPS and bulk operations.
 */
@Configuration
@EnableTransactionManagement
@Import({JpaR4Config.class, HapiJpaConfig.class, JpaBatch2Config.class, Batch2JobsConfig.class,
    SubscriptionChannelConfig.class, ThreadPoolFactoryConfig.class})
public class ReferenceServerConfig {

    static final String JDBC_URL = "hapi.jdbc.url";
    static final String JDBC_USERNAME = "hapi.jdbc.username";
    static final String JDBC_PASSWORD = "hapi.jdbc.password";

    /** spring.datasource.hikari.maximum-pool-size in the starter's application.yaml. */
    static final int CONNECTION_POOL_SIZE = 10;

    @Bean(destroyMethod = "close")
    public DataSource dataSource() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(System.getProperty(JDBC_URL));
        config.setUsername(System.getProperty(JDBC_USERNAME));
        config.setPassword(System.getProperty(JDBC_PASSWORD));
        config.setMaximumPoolSize(CONNECTION_POOL_SIZE);
        config.setPoolName("hapi");
        return new HikariDataSource(config);
    }

    /** The starter's defaults (AppProperties) for everything that touches writes. */
    @Bean
    public JpaStorageSettings jpaStorageSettings() {
        JpaStorageSettings settings = new JpaStorageSettings();
        settings.setIndexMissingFields(StorageSettings.IndexEnabledEnum.DISABLED);
        settings.setAutoCreatePlaceholderReferenceTargets(false);
        settings.setMassIngestionMode(false);
        settings.setEnforceReferentialIntegrityOnWrite(true);
        settings.setEnforceReferentialIntegrityOnDelete(true);
        settings.setAllowContainsSearches(true);
        settings.setAllowMultipleDelete(false);
        settings.setAllowExternalReferences(false);
        settings.setSchedulingDisabled(false);
        settings.setDeleteExpungeEnabled(false);
        settings.setExpungeEnabled(true);
        settings.setFetchSizeDefaultMaximum(Integer.MAX_VALUE);
        settings.setReuseCachedSearchResultsForMillis(60_000L);
        settings.setExpireSearchResultsAfterMillis(60 * 60 * 1000L);
        settings.setFilterParameterEnabled(true);
        settings.setHibernateSearchIndexSearchParams(false);
        settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ALPHANUMERIC);
        settings.setResourceDbHistoryEnabled(true);
        settings.setDefaultSearchParamsCanBeOverridden(true);
        settings.setIndexIdentifierOfType(false);
        return settings;
    }

    @Bean
    public PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    /** No subscription channel is enabled (the starter's default). */
    @Bean
    public SubscriptionSettings subscriptionSettings() {
        return new SubscriptionSettings();
    }

    @Primary
    @Bean
    public LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource,
            ConfigurableListableBeanFactory beanFactory, FhirContext fhirContext, JpaStorageSettings storageSettings) {
        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        factory.setJpaProperties(hibernateProperties());
        return factory;
    }

    /**
     * The starter's Hibernate settings (its EnvironmentHelper). They are merged over HAPI's own defaults, which stay:
     * statement batches of 30, ordered inserts and updates, batched versioned data.
     */
    static Properties hibernateProperties() {
        Properties properties = new Properties();
        properties.put(AvailableSettings.DIALECT, HapiFhirPostgresDialect.class.getName());
        properties.put(AvailableSettings.HBM2DDL_AUTO, "update");
        properties.put(AvailableSettings.FORMAT_SQL, "false");
        properties.put(AvailableSettings.SHOW_SQL, "false");
        properties.put(AvailableSettings.USE_QUERY_CACHE, "false");
        properties.put(AvailableSettings.USE_SECOND_LEVEL_CACHE, "false");
        properties.put(AvailableSettings.USE_STRUCTURED_CACHE, "false");
        properties.put(AvailableSettings.USE_MINIMAL_PUTS, "false");
        properties.put("hibernate.search.enabled", "false");
        return properties;
    }

    @Primary
    @Bean
    public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        JpaTransactionManager manager = new JpaTransactionManager();
        manager.setEntityManagerFactory(entityManagerFactory);
        return manager;
    }

    /** The RestfulServer as the starter registers it: every resource provider, the system provider (transactions). */
    @Bean
    public RestfulServer restfulServer(IFhirSystemDao<?, ?> systemDao, ResourceProviderFactory resourceProviders,
            JpaSystemProvider<?, ?> systemProvider, JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParamRegistry, IValidationSupport validationSupport,
            DatabaseBackedPagingProvider pagingProvider) {
        RestfulServer server = new RestfulServer(systemDao.getContext());
        server.registerProviders(resourceProviders.createProviders());
        server.registerProvider(systemProvider);
        JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(server, systemDao,
                storageSettings, searchParamRegistry, validationSupport);
        capabilities.setImplementationDescription("HAPI FHIR R4 Server (rightcare-hub benchmark reference)");
        server.setServerConformanceProvider(capabilities);
        server.setDefaultPrettyPrint(true);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setPagingProvider(pagingProvider);
        server.setServerAddressStrategy(new IncomingRequestAddressStrategy());
        return server;
    }
}
