#include "tests/support/test_tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>

namespace mm::test {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(FILE* f) const { std::fclose(f); }
};

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("make_test_cert: " + what); }

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("extension " + value);
}

void write_file(const std::string& path, const std::function<int(FILE*)>& write) {
  std::unique_ptr<FILE, Free> f(std::fopen(path.c_str(), "w"));
  if (!f || write(f.get()) != 1) fail("cannot write " + path);
}

}  // namespace

TestCert::TestCert(TestCert&& other) noexcept
    : dir(std::move(other.dir)), cert_file(std::move(other.cert_file)), key_file(std::move(other.key_file)) {
  other.dir.clear();
}

TestCert& TestCert::operator=(TestCert&& other) noexcept {
  if (this != &other) {
    remove();
    dir = std::move(other.dir);
    cert_file = std::move(other.cert_file);
    key_file = std::move(other.key_file);
    other.dir.clear();
  }
  return *this;
}

void TestCert::remove() {
  if (dir.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  dir.clear();
}

TestCert make_test_cert(const TestCertOptions& options) {
  std::unique_ptr<EVP_PKEY, Free> key(EVP_EC_gen("P-256"));
  if (!key) fail("key generation");
  std::unique_ptr<X509, Free> cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial_bytes[8];
  RAND_bytes(serial_bytes, sizeof serial_bytes);
  uint64_t serial = 0;
  for (unsigned char b : serial_bytes) serial = serial << 8 | b;
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial >> 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(options.valid_days) * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(options.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  // What `openssl req -x509` writes: a self-signed CA that is also the server's leaf.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_authority_key_identifier, "keyid:always");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  std::string san;
  for (const auto& d : options.dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : options.ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!san.empty()) add_extension(cert.get(), NID_subject_alt_name, san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("X509_sign");

  std::string pattern = (std::filesystem::temp_directory_path() / "mmscore-tls-XXXXXX").string();
  if (!mkdtemp(pattern.data())) fail("mkdtemp");
  TestCert out;
  out.dir = pattern;
  out.cert_file = out.dir + "/cert.pem";
  out.key_file = out.dir + "/key.pem";
  write_file(out.cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  write_file(out.key_file,
             [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  return out;
}

}  // namespace mm::test
