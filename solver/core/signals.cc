#include <core/signals.h>

#include <deal.II/base/mpi.h>

#include <csignal>

namespace septa
{
  namespace signals
  {
    namespace
    {
      volatile std::sig_atomic_t last_signal = 0;

      extern "C" void
      record(int signal)
      {
        last_signal = signal;
      }
    } // namespace


    void
    install()
    {
      struct sigaction action = {};
      action.sa_handler       = record;
      sigemptyset(&action.sa_mask);
      action.sa_flags = SA_RESTART;
      sigaction(SIGTERM, &action, nullptr);
      sigaction(SIGUSR1, &action, nullptr);
    }


    int
    received(MPI_Comm comm)
    {
      return dealii::Utilities::MPI::max(static_cast<int>(last_signal), comm);
    }
  } // namespace signals
} // namespace septa
