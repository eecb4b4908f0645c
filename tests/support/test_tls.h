// A throwaway TLS identity for tests and the simulator: an EC P-256 key and a
// self-signed certificate for localhost (SAN DNS:localhost, IP:127.0.0.1), generated
// with OpenSSL at run time into a fresh temporary folder. Clients trust it by using
// cert_file as their CA bundle; servers load cert_file + key_file.
#pragma once

#include <string>
#include <vector>

namespace mm::test {

struct TestCertOptions {
  std::string common_name = "localhost";
  std::vector<std::string> dns_names = {"localhost"};
  std::vector<std::string> ip_addresses = {"127.0.0.1"};
  int valid_days = 2;
};

// Owns its folder: the destructor (or remove()) deletes it. Move-only.
struct TestCert {
  std::string dir, cert_file, key_file;

  TestCert() = default;
  TestCert(TestCert&& other) noexcept;
  TestCert& operator=(TestCert&& other) noexcept;
  TestCert(const TestCert&) = delete;
  TestCert& operator=(const TestCert&) = delete;
  ~TestCert() { remove(); }
  void remove();
};

// Throws std::runtime_error when OpenSSL or the file system fails.
TestCert make_test_cert(const TestCertOptions& options = {});

}  // namespace mm::test
