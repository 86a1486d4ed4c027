// Writes the load test's request bodies: write_requests DIR [CONFIG_DIR] ->
// DIR/order-select-{5k,100k,1m}.json, with every prefetch key of the order-select service
// in CONFIG_DIR's knowledge (default: the bundled config/) present, so nothing is fetched.
#include <fstream>
#include <iostream>

#include "app/cds_hooks_service.h"
#include "bench/request_factory.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: write_requests DIR [CONFIG_DIR]\n";
    return 2;
  }
  auto registry = cds::app::LoadRegistry(argc == 3 ? argv[2] : CDS_SOURCE_DIR "/config");
  if (!registry.ok()) {
    std::cerr << registry.status().message() << "\n";
    return 1;
  }
  std::vector<std::string> keys =
      (*registry)->Find("rituximab-safety-order-select")->PrefetchKeys();
  const std::pair<const char*, size_t> sizes[] = {
      {"5k", 5 << 10}, {"100k", 100 << 10}, {"1m", 1 << 20}};
  for (const auto& [name, bytes] : sizes) {
    std::string path = std::string(argv[1]) + "/order-select-" + name + ".json";
    std::ofstream(path, std::ios::binary) << cds::bench::MakeOrderSelectRequest(bytes, keys);
    std::cout << path << "\n";
  }
  return 0;
}
