package com.example.shop;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
public class ShopApplication {

	public static void main(String[] args) {
		// Quotes once and ends; a real application would keep running and serving.
		System.exit(SpringApplication.exit(SpringApplication.run(ShopApplication.class, args)));
	}

	@Bean
	ApplicationRunner quoteOnce(Pricing pricing) {
		return (args) -> System.out.println("quoted " + pricing.quote("tea", 3));
	}

}
